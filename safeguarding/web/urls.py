from django.urls import path

from safeguarding.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/security-code/", views.sign_in_otp, name="sign-in-otp"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("health/", views.health, name="health"),
]
